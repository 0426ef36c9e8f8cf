/** Bearer tokens and the session scopes they grant. */
package dev.tasklane.gateway.auth;
