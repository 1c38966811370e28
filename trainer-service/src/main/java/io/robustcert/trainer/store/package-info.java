/** The trainer's side of the content-addressed checkpoint store: atomic, hash-named writes. */
package io.robustcert.trainer.store;
