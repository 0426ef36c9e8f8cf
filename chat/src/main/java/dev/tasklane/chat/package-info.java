/** Tasklane chat. */
package dev.tasklane.chat;
