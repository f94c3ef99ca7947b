//! items:attach, items:files, items:get-file, items:remove-file, and shares:share-files,
//! shares:files, shares:get-file: attached files, read and written in chunks (never whole),
//! with a progress bar when stderr is a terminal.

use std::fs::File;
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use covault::client::{ClientError, FileReader, FileSource, ReqwestTransport};

use super::Ctx;
use crate::cli::Download;
use crate::error::CliError;

/// A local file, read in slices.
struct LocalFile(File);

impl FileSource for LocalFile {
    async fn read(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ClientError> {
        let mut buf = vec![0u8; len];
        let io = |e: std::io::Error| ClientError::InvalidInput(format!("reading the file: {e}"));
        self.0.seek(SeekFrom::Start(offset)).map_err(io)?;
        let mut filled = 0;
        while filled < len {
            match self.0.read(&mut buf[filled..]).map_err(io)? {
                0 => break,
                n => filled += n,
            }
        }
        buf.truncate(filled);
        Ok(buf)
    }
}

/// A one-line progress bar on stderr, drawn only on a terminal.
struct Bar {
    on: bool,
    what: String,
}

impl Bar {
    fn new(what: &str) -> Self {
        Bar {
            on: std::io::stderr().is_terminal(),
            what: what.to_owned(),
        }
    }

    fn show(&self, done: u64, total: u64) {
        if !self.on {
            return;
        }
        const WIDTH: u64 = 30;
        let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        let bar: String = (0..WIDTH)
            .map(|i| if i < filled { '#' } else { '.' })
            .collect();
        let mib = |n: u64| n as f64 / (1024.0 * 1024.0);
        eprint!(
            "\r{} [{bar}] {percent:>3}% {:.1}/{:.1} MiB",
            self.what,
            mib(done),
            mib(total)
        );
        if done >= total {
            eprintln!();
        }
    }
}

fn input(path: &Path, e: std::io::Error) -> CliError {
    CliError::Input(format!("{}: {e}", path.display()))
}

/// Attaches a file to an item and prints it as sealed.
pub async fn attach(
    ctx: &Ctx,
    id: &str,
    path: &Path,
    media_type: &str,
    auth: &Path,
) -> Result<(), CliError> {
    let file = File::open(path).map_err(|e| input(path, e))?;
    let size = file.metadata().map_err(|e| input(path, e))?.len();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let session = ctx.session(auth).await?;
    let bar = Bar::new("uploading");
    let attached = session
        .attach_file(
            id,
            &name,
            media_type,
            size,
            &mut LocalFile(file),
            &|d, t| bar.show(d, t),
        )
        .await?;
    ctx.print("File", attached)
}

/// Whose files: an item's (its owner's), or a share's copy's (its recipient's).
#[derive(Clone, Copy)]
pub enum Of<'a> {
    /// An item, by id.
    Item(&'a str),
    /// A share, by id.
    Share(&'a str),
}

/// Lists the files of an item or of a share's copy.
pub async fn list(ctx: &Ctx, of: Of<'_>, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    let files = match of {
        Of::Item(id) => session.list_files(id).await?,
        Of::Share(id) => session.list_shared_files(id).await?,
    };
    ctx.print("Files", files)
}

/// Downloads a file of an item or of a share into `OUT.part`, checking every chunk, and
/// renames it to `OUT` at the end.
pub async fn get(ctx: &Ctx, of: Of<'_>, file_id: &str, to: &Download) -> Result<(), CliError> {
    let session = ctx.session(&to.auth.auth).await?;
    let reader = match of {
        Of::Item(id) => session.open_file(id, file_id).await?,
        Of::Share(id) => session.open_shared_file(id, file_id).await?,
    };
    download(ctx, reader, &to.output).await
}

async fn download(
    ctx: &Ctx,
    mut reader: FileReader<ReqwestTransport>,
    output: &Path,
) -> Result<(), CliError> {
    let info = reader.file();
    let mut part = output.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let mut out = File::create(&part).map_err(|e| input(&part, e))?;
    let bar = Bar::new("downloading");
    let mut done = 0u64;
    while let Some(chunk) = reader.next_chunk().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                // Nothing unchecked is left behind under any name.
                let _ = std::fs::remove_file(&part);
                return Err(e.into());
            }
        };
        out.write_all(&chunk).map_err(|e| input(&part, e))?;
        done += chunk.len() as u64;
        bar.show(done, info.size);
    }
    out.sync_all().map_err(|e| input(&part, e))?;
    std::fs::rename(&part, output).map_err(|e| input(output, e))?;
    ctx.print("File", info)
}

/// Names the files of a share's copy to the Vault, for the recipient.
pub async fn share_files(ctx: &Ctx, share_id: &str, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    ctx.print("Files", session.share_files(share_id).await?)
}

/// Removes a file from an item.
pub async fn remove(ctx: &Ctx, id: &str, file_id: &str, auth: &Path) -> Result<(), CliError> {
    let session = ctx.session(auth).await?;
    session.remove_file(id, file_id).await?;
    ctx.print(
        "FileRemoved",
        serde_json::json!({ "id": file_id, "itemId": id }),
    )
}
