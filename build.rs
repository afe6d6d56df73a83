//! Rebuilds pave when the built-in registry (registry.yaml, blueprints/) changes, since both are
//! embedded in the binary.

fn main() {
    println!("cargo:rerun-if-changed=registry.yaml");
    println!("cargo:rerun-if-changed=blueprints");
}
