/**
 * The sample's chat API: calls and streams, a tool loop, and the problem details of typed
 * errors.
 */
package dev.llmresilience.sample.chat;
