package io.sigmaquant.controller.fleet;

/** Every attempt of a measurement job failed or timed out. */
public class JobFailedException extends RuntimeException {
    public JobFailedException(String message) {
        super(message);
    }
}
