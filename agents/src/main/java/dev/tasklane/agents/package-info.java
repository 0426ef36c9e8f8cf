/** Tasklane agents. */
package dev.tasklane.agents;
