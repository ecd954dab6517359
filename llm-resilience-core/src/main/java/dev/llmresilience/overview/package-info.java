/**
 * A read-only view of the models, chains, breakers, queue and budgets, for health
 * indicators, endpoints and dashboards.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.overview;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
