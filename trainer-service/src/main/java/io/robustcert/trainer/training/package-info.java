/** Local training runs and sweeps: validation of the request, the run's state, training on core's Trainer. */
package io.robustcert.trainer.training;
