/** Verified reads of checkpoints from the content-addressed store. */
package io.robustcert.certifier.store;
