package dev.llmresilience.benchmarks.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A table in Markdown, built row by row.
 */
public final class MarkdownTable {

	private final List<String> header;

	private final List<List<String>> rows = new ArrayList<>();

	/**
	 * Create a table.
	 * @param header the column titles
	 */
	public MarkdownTable(String... header) {
		this.header = List.of(header);
	}

	/**
	 * Add a row.
	 * @param cells one cell per column
	 * @return this table
	 */
	public MarkdownTable row(Object... cells) {
		if (cells.length != this.header.size()) {
			throw new IllegalArgumentException("Expected " + this.header.size() + " cells, got " + cells.length);
		}
		List<String> row = new ArrayList<>();
		for (Object cell : cells) {
			row.add(String.valueOf(cell));
		}
		this.rows.add(row);
		return this;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		line(text, this.header);
		text.append('|');
		this.header.forEach((column) -> text.append(" --- |"));
		text.append('\n');
		this.rows.forEach((row) -> line(text, row));
		return text.toString();
	}

	private static void line(StringBuilder text, List<String> cells) {
		text.append('|');
		cells.forEach((cell) -> text.append(' ').append(cell).append(" |"));
		text.append('\n');
	}

}
