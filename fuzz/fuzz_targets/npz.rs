//! NumPy .npz archives: any bytes either open one array (every column as
//! long as the rows, the values finite or NaN) or give an error naming the
//! file; the zip's size fields never size an allocation.
#![no_main]

use eigenlens::data::parse_npz;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for array in [None, Some("a")] {
        match parse_npz(bytes, "arrays.npz", array) {
            Ok(ds) => {
                assert!(ds.n_rows > 0 && !ds.columns.is_empty());
                for c in &ds.columns {
                    assert_eq!(c.values.len(), ds.n_rows);
                }
            }
            Err(e) => {
                let message = e.to_string();
                assert!(message.contains("arrays.npz"), "{message}");
            }
        }
    }
});
