package dev.llmresilience.benchmarks.report;

import java.io.PrintStream;
import java.time.LocalTime;

/**
 * Where benchmarks write their results: Markdown on standard output (progress goes to
 * standard error, so that the output can be pasted as it is).
 */
public final class Report {

	private final PrintStream out;

	/**
	 * Create a report.
	 * @param out where the Markdown goes
	 */
	public Report(PrintStream out) {
		this.out = out;
	}

	/**
	 * Start a section.
	 * @param title its title
	 */
	public void section(String title) {
		this.out.println();
		this.out.println("## " + title);
		this.out.println();
		this.out.flush();
	}

	/**
	 * Write a paragraph.
	 * @param text the text
	 */
	public void paragraph(String text) {
		this.out.println(text);
		this.out.println();
		this.out.flush();
	}

	/**
	 * Write a table.
	 * @param table the table
	 */
	public void table(MarkdownTable table) {
		this.out.print(table);
		this.out.println();
		this.out.flush();
	}

	/**
	 * Tell the person watching what runs now, outside the report.
	 * @param message the message
	 */
	public static void progress(String message) {
		System.err.println("[bench " + LocalTime.now().withNano(0) + "] " + message);
	}

}
