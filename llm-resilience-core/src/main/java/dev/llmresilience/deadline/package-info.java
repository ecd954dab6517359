/**
 * The overall time limit of a request, shared by the queue, the pacing and every attempt,
 * and the operator that cuts a sequence off when its time is up.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.deadline;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
