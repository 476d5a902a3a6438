//! The per-column plan (`sink/parquet/plan.rs`): a counter is written
//! DELTA_BINARY_PACKED, a column whose dictionary overflowed in a row group
//! tries none in the next, and the values stay the CSV's.

use parquet::basic::Encoding;
use parquet::file::reader::FileReader;

use crate::common::TestDir;
use crate::parquet::{reader, rows_as_text, write};

#[test]
fn counters_are_delta_and_overflowing_dictionaries_are_not_tried_again() {
    let dir = TestDir::new();
    let (parquet, csv) = (dir.path("p.parquet"), dir.path("p.csv"));
    let schema = "id={n}, email={email}, age={int:18..90}";
    write(
        schema,
        "parquet",
        "300000",
        &parquet,
        &["--row-group", "4MiB"],
    );
    write(schema, "csv", "300000", &csv, &["--no-header"]);
    let reader = reader(&parquet);
    let groups = reader.metadata().row_groups();
    assert!(groups.len() >= 3, "{} row groups", groups.len());
    for group in groups {
        let id = group.column(0);
        assert!(id.encodings().any(|e| e == Encoding::DELTA_BINARY_PACKED));
        assert!(id.dictionary_page_offset().is_none());
        // Few distinct ages: their dictionary is kept in every group.
        assert!(group.column(2).dictionary_page_offset().is_some());
    }
    // The first group tried a dictionary for the emails; later ones not.
    assert!(groups[0].column(1).dictionary_page_offset().is_some());
    assert!(
        groups[1..]
            .iter()
            .all(|g| g.column(1).dictionary_page_offset().is_none())
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let from_csv: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(rows_as_text(&parquet), from_csv);
}
