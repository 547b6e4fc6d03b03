//! Browser benchmark (written next).
