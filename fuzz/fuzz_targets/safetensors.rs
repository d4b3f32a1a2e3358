//! safetensors files: any bytes either open one tensor (every column as
//! long as the rows, the values finite) or give an error naming the file;
//! the header's offsets never size an allocation beyond the bytes given.
#![no_main]

use std::path::Path;

use eigenlens::data::parse_safetensors;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for tensor in [None, Some("a")] {
        match parse_safetensors(bytes, Path::new("model.safetensors"), tensor) {
            Ok(ds) => {
                assert!(ds.n_rows > 0 && !ds.columns.is_empty());
                for c in &ds.columns {
                    assert_eq!(c.values.len(), ds.n_rows);
                    assert!(c.values.iter().all(|v| v.is_finite()));
                }
            }
            Err(e) => {
                let message = e.to_string();
                assert!(message.contains("model.safetensors"), "{message}");
            }
        }
    }
});
