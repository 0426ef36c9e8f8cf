/** The {@code tasklane} command line: {@code serve} and its wiring of lane, chat, agents and gateway. */
package dev.tasklane.app;
