//! Regenerates `include/loyalty.h` from the crate's `extern "C"` items.

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config = cbindgen::Config::from_file(format!("{dir}/cbindgen.toml"))
        .expect("bindings/c/cbindgen.toml is valid");
    match cbindgen::generate_with_config(&dir, config) {
        Ok(bindings) => {
            bindings.write_to_file(format!("{dir}/include/loyalty.h"));
        }
        // A syntax error in src is reported by rustc itself; keep the old header.
        Err(err) => println!("cargo:warning=cbindgen could not regenerate loyalty.h: {err}"),
    }
}
