package dev.llmresilience;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * How much the model should reason before it answers, in one setting for every provider:
 * Anthropic gets {@code thinking} with a token budget, OpenAI-compatible servers get
 * {@code reasoning_effort}.
 * <p>
 * A model that does not reason (its capabilities are configured without
 * {@code reasoning}) is skipped, unless the setting is optional: then it gets the request
 * without it.
 *
 * @param effort how hard to think; with no budget, it sets Anthropic's budget
 * @param budgetTokens the tokens Anthropic may spend thinking, at least 1024, or
 * {@code null} to derive them from the effort; for OpenAI it picks the effort when
 * {@code effort} is {@code null}
 * @param optional whether a model that cannot reason may answer without it
 */
public record LlmReasoning(@Nullable Effort effort, @Nullable Integer budgetTokens, boolean optional) {

	/** The smallest thinking budget Anthropic accepts. */
	public static final int MIN_BUDGET_TOKENS = 1024;

	public LlmReasoning {
		Assert.isTrue(effort != null || budgetTokens != null, "Reasoning needs an effort or a token budget");
		Assert.isTrue(budgetTokens == null || budgetTokens >= MIN_BUDGET_TOKENS,
				() -> "The reasoning budget is at least " + MIN_BUDGET_TOKENS + " tokens");
	}

	/**
	 * Ask for reasoning of an effort; models that cannot reason are skipped.
	 * @param effort the effort
	 * @return the setting
	 */
	public static LlmReasoning of(Effort effort) {
		return new LlmReasoning(effort, null, false);
	}

	/**
	 * Return the same setting, made optional.
	 * @return the setting
	 */
	public LlmReasoning asOptional() {
		return new LlmReasoning(this.effort, this.budgetTokens, true);
	}

	/**
	 * Return the effort: the one set, or the one the budget suggests (up to 2048 tokens
	 * low, up to 8192 medium, more high).
	 * @return the effort
	 */
	public Effort effectiveEffort() {
		if (this.effort != null) {
			return this.effort;
		}
		int budget = this.budgetTokens;
		return (budget <= 2048) ? Effort.LOW : (budget <= 8192) ? Effort.MEDIUM : Effort.HIGH;
	}

	/**
	 * Return the thinking budget: the one set, or the effort's (low 2048, medium 8192,
	 * high 24576 tokens).
	 * @return the budget in tokens
	 */
	public int effectiveBudgetTokens() {
		if (this.budgetTokens != null) {
			return this.budgetTokens;
		}
		return switch (this.effort) {
			case LOW -> 2048;
			case MEDIUM -> 8192;
			case HIGH -> 24576;
		};
	}

	/**
	 * How hard the model should think.
	 */
	public enum Effort {

		/** Little reasoning, fast answers. */
		LOW,

		/** The providers' usual default. */
		MEDIUM,

		/** Thorough reasoning for hard problems. */
		HIGH

	}

}
