//! Helpers shared by the integration tests (`mod common;` in a test file).
pub mod download;
pub mod example;
pub mod guarded;
pub mod html;
pub mod incremental_site;
pub mod leaks;
pub mod links;
pub mod refused;
pub mod run;
pub mod scan;
pub mod tree;
