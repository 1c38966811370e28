/** Certify requests checked and turned into core calls; no math lives here. */
package io.robustcert.certifier.certify;
