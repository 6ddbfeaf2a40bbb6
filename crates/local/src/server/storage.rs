//! The storage directory: its layout and the seeded images written into it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::{Error, seed};

/// A stored image `DownloadImageFile` can serve.
pub(crate) struct StoredImage {
    pub(super) path: PathBuf,
    pub(super) content_type: &'static str,
}

/// Creates the storage layout and writes the seeded images; returns them by lookup key.
pub(crate) async fn prepare_storage(dir: &Path) -> Result<HashMap<String, StoredImage>, Error> {
    let storage_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Storage { path, source }
    };
    let images_dir = dir.join("images");
    tokio::fs::create_dir_all(&images_dir)
        .await
        .map_err(storage_err(&images_dir))?;
    let files_dir = dir.join("files");
    tokio::fs::create_dir_all(&files_dir)
        .await
        .map_err(storage_err(&files_dir))?;
    let mut images = HashMap::new();
    for (uri, bytes, content_type) in [
        (seed::IMAGE_PNG_URI, seed::IMAGE_PNG, "image/png"),
        (seed::IMAGE_GIF_URI, seed::IMAGE_GIF, "image/gif"),
    ] {
        let Some((key, name)) = image_key(uri) else {
            continue;
        };
        let path = images_dir.join(name);
        tokio::fs::write(&path, bytes)
            .await
            .map_err(storage_err(&path))?;
        images.insert(key.to_owned(), StoredImage { path, content_type });
    }
    Ok(images)
}

/// `(stem, file name)` of the last segment of an image URI.
pub(super) fn image_key(uri: &str) -> Option<(&str, &str)> {
    let name = uri.rsplit('/').next()?;
    let (stem, _) = name.split_once('.')?;
    Some((stem, name))
}
