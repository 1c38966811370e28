/** The attacker's settings (application.properties, environment). */
package io.robustcert.attack.config;
