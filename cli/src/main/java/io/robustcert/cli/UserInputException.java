package io.robustcert.cli;

/** Bad input from the user (a file, a value): reported as one line on stderr with exit code 2. */
final class UserInputException extends Exception {

    private static final long serialVersionUID = 1L;

    UserInputException(String message) {
        super(message);
    }
}
