package dev.llmresilience.chaos;

/**
 * What the {@link FaultPlan} does to one upstream request.
 */
enum Fault {

	/** A proper answer. */
	NONE(false),

	/**
	 * 429 {@code rate_limit_error} with a short {@code retry-after-ms} or
	 * {@code retry-after: 0}.
	 */
	RATE_LIMITED_WITH_RETRY_AFTER(false),

	/** 429 {@code rate_limit_error} without any retry-after header. */
	RATE_LIMITED_WITHOUT_RETRY_AFTER(false),

	/** 500 {@code api_error}. */
	SERVER_ERROR(false),

	/** 529 {@code overloaded_error}. */
	OVERLOADED(false),

	/** The connection is reset before any byte of the response. */
	CONNECTION_RESET(false),

	/**
	 * A proper answer, after a wait that is sometimes longer than the first-byte timeout.
	 */
	SLOW_FIRST_BYTE(false),

	/** Some text deltas (maybe none), then an {@code error} event. */
	MID_STREAM_ERROR(true),

	/** Some text deltas (maybe none), then silence until the client gives up. */
	STALLED_STREAM(true),

	/** Part of the body, then a closed connection. */
	CUT_OFF_BODY(false),

	/** Status 200 with an error object as its body. */
	ERROR_BODY_200(false);

	private final boolean streamOnly;

	Fault(boolean streamOnly) {
		this.streamOnly = streamOnly;
	}

	/**
	 * Return whether the fault can happen to a request of this kind.
	 * @param stream whether the request asks for a stream
	 * @return {@code true} if it applies
	 */
	boolean appliesTo(boolean stream) {
		return stream || !this.streamOnly;
	}

}
