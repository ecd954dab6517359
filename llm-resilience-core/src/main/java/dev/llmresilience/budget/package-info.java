/**
 * Rate budgets: requests and tokens per minute for each provider and model, the holds
 * that the providers' rate-limit answers impose, and the pacer that waits for both before
 * a call.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.budget;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
