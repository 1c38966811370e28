package io.robustcert.trainer.kubernetes;

/** One invalid field of a request: its path ({@code evaluation_plan.epsilons[1]}) and what is wrong. */
public record FieldViolation(String field, String description) {}
