//! Peak resident memory of this process, from Linux's `/proc/self/status` (`VmHWM`).
//!
//! The peak can be reset (by writing `5` to `/proc/self/clear_refs`) so that one process can
//! report the peak of each stage it runs. Elsewhere than Linux both report nothing.

/// The peak resident set size since start (or the last [`reset_peak`]), bytes; `None` where the
/// kernel does not say.
pub fn peak_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    kib.checked_mul(1024)
}

/// Resets the peak to the current resident size; `false` where the kernel refused.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// `bytes` in GiB, for reports.
pub fn gib(bytes: u64) -> f64 {
    bytes as f64 / f64::from(1u32 << 30)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_grows_with_an_allocation_and_resets() {
        let Some(before) = peak_bytes() else { return };
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        let after = peak_bytes().unwrap();
        assert!(after >= before && after >= 64 << 20, "{before} -> {after}");
        drop(block);
        if reset_peak() {
            assert!(peak_bytes().unwrap() < after);
        }
    }
}
