/**
 * Rate budgets: requests and tokens per minute for each provider and model, the holds
 * that the providers' rate-limit answers impose, and the pacer that waits for both before
 * a call; and what calls cost: the accounting that tells listeners of every attempt
 * billed, and the spend budgets that calls reserve from.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.budget;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
