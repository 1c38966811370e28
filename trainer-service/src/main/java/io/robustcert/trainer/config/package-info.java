/** The trainer's configuration mapping. */
package io.robustcert.trainer.config;
