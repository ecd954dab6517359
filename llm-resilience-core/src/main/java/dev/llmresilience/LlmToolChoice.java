package dev.llmresilience;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * Whether the model must call a tool, and which.
 *
 * @param mode how the model chooses
 * @param toolName the tool it must call with {@link Mode#TOOL}, otherwise {@code null}
 */
public record LlmToolChoice(Mode mode, @Nullable String toolName) {

	/** The model decides whether to call tools. */
	public static final LlmToolChoice AUTO = new LlmToolChoice(Mode.AUTO, null);

	/** The model must call at least one tool, any of them. */
	public static final LlmToolChoice REQUIRED = new LlmToolChoice(Mode.REQUIRED, null);

	/** The model must not call tools, although they are offered. */
	public static final LlmToolChoice NONE = new LlmToolChoice(Mode.NONE, null);

	public LlmToolChoice {
		Assert.notNull(mode, "mode must not be null");
		Assert.isTrue((mode == Mode.TOOL) == (toolName != null), "Only Mode.TOOL names a tool, and it must");
	}

	/**
	 * Make the model call one tool.
	 * @param name the tool's name
	 * @return the choice
	 */
	public static LlmToolChoice tool(String name) {
		Assert.hasText(name, "name must not be empty");
		return new LlmToolChoice(Mode.TOOL, name);
	}

	/**
	 * How the model chooses its tool calls.
	 */
	public enum Mode {

		/** It decides ({@code auto} in both wire formats). */
		AUTO,

		/** It calls at least one (Anthropic {@code any}, OpenAI {@code required}). */
		REQUIRED,

		/** It calls none ({@code none}). */
		NONE,

		/** It calls the named one. */
		TOOL

	}

}
