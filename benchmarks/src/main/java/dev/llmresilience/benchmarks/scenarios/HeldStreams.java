package dev.llmresilience.benchmarks.scenarios;

import org.HdrHistogram.Histogram;

/**
 * What holding many streams open at once cost one client.
 *
 * @param client the client's name
 * @param started the streams started
 * @param firstTexts the streams that delivered their first text
 * @param completed the streams that ended with their whole answer
 * @param failed the streams that ended with an error
 * @param timeToFirstText nanoseconds from each stream's start to its first text
 * @param heapBefore heap used after a full GC before the streams started
 * @param heapHeld heap used after a full GC while every stream was open
 * @param directMemoryHeld Netty's pooled direct memory in use while every stream was open
 * @param threadsBefore live threads before the streams started
 * @param threadsHeld live threads while every stream was open
 * @param peakThreads the most live threads at any time of the run
 * @param openAtStub the streams the stub counted open while every stream was open
 * @param firstError the first error, or {@code null}
 */
record HeldStreams(String client, int started, int firstTexts, int completed, int failed, Histogram timeToFirstText,
		long heapBefore, long heapHeld, long directMemoryHeld, int threadsBefore, int threadsHeld, int peakThreads,
		int openAtStub, Throwable firstError) {

}
