/** The certifier's configuration. */
package io.robustcert.certifier.config;
