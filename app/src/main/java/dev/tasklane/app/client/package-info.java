/** The command line client of a running server: submit, status, list, cancel, watch. */
package dev.tasklane.app.client;
