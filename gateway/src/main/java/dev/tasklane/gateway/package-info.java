/** Tasklane gateway. */
package dev.tasklane.gateway;
