//! Checks, before a scan starts, that its output folder can take it: that it can be made and written to,
//! and that its disk has room. A scan that would fail on its first write should fail before the browser
//! starts, with the folder named.

use std::path::Path;

use super::ScanError;

/// Least free space a scan starts with. A visit leaves about 0.1 MB (screenshot, HAR, stored observation);
/// the 600-visit demo takes 57 MB.
pub const MIN_FREE_BYTES: u64 = 100 * 1024 * 1024;

/// Environment variable that raises the free space demanded, in MiB (to test the check on any disk).
pub const MIN_FREE_VAR: &str = "PIXELAUDIT_MIN_FREE_MB";

/// Makes `dir` (and its `evidence/` folder) and checks it is writable and has room.
pub fn check_output_folder(dir: &Path) -> Result<(), ScanError> {
    let output = |e: std::io::Error| ScanError::Output(dir.to_path_buf(), e);
    std::fs::create_dir_all(dir.join("evidence")).map_err(output)?;
    let probe = dir.join(".pixelaudit-write-check");
    std::fs::write(&probe, b"pixelaudit checks it can write here\n").map_err(output)?;
    std::fs::remove_file(&probe).map_err(output)?;
    let needed = std::env::var(MIN_FREE_VAR)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(|mib| mib * 1024 * 1024)
        .unwrap_or(MIN_FREE_BYTES);
    if let Ok(stats) = rustix::fs::statvfs(dir) {
        let free = stats.f_bavail.saturating_mul(stats.f_frsize);
        if free < needed {
            return Err(ScanError::NoRoom {
                dir: dir.to_path_buf(),
                free_mib: free / (1024 * 1024),
                needed_mib: needed / (1024 * 1024),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_below_a_file_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.json");
        std::fs::write(&file, "{}").unwrap();
        let err = check_output_folder(&file.join("scan")).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("report.json/scan"), "{message}");
    }

    #[test]
    fn a_writable_folder_with_room_passes() {
        let dir = tempfile::tempdir().unwrap();
        check_output_folder(&dir.path().join("new")).unwrap();
        assert!(dir.path().join("new/evidence").is_dir());
        assert!(!dir.path().join("new/.pixelaudit-write-check").exists());
    }
}
