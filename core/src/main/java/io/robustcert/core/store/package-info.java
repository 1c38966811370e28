/**
 * The pure parts of the content-addressed checkpoint store: SHA-256 names, the layout under a root, URI
 * validation against that root, hashing while writing, and verification while reading. Streams and
 * names only: opening, moving and listing files is the services' job.
 */
package io.robustcert.core.store;
