/** Tasklane app. */
package dev.tasklane.app;
