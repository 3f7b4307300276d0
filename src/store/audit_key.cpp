#include "store/audit_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "store/hex.h"

namespace lenacare::store {
namespace {

Error KeyError(const std::string& path, const std::string& problem) {
  return Error::Failed("--audit-key", "audit key file '" + path + "' " + problem);
}

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

AuditKey::AuditKey(const std::array<unsigned char, kBytes>& bytes) : bytes_(bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, bytes_.data(), bytes_.size());
  fingerprint_ = Hex(digest, 8);
}

std::string HowToGiveAnAuditKey() {
  return "give --audit-key FILE or set LENACARE_AUDIT_KEY_FILE (a file of 32 random bytes that only its owner may "
         "read, e.g. `(umask 077; head -c 32 /dev/urandom > FILE)`)";
}

Result<AuditKey> ReadAuditKey(const std::string& path) {
  if (sodium_init() < 0) return Error::Failed("", "libsodium could not be initialised");
  Fd f{open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (f.fd < 0) return KeyError(path, std::string("cannot be read: ") + std::strerror(errno));
  struct stat st {};
  if (fstat(f.fd, &st) != 0) return KeyError(path, std::string("cannot be read: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return KeyError(path, "is not a regular file");
  // A key others may read is a key others may have copied: refuse it rather than trust it.
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return KeyError(
        path, std::string("may be read by others (mode ") + mode + "): make it readable by its owner only (chmod 600)");
  }
  std::array<unsigned char, AuditKey::kBytes + 1> buf{};
  size_t got = 0;
  while (got < buf.size()) {
    const ssize_t n = read(f.fd, buf.data() + got, buf.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return KeyError(path, std::string("cannot be read: ") + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got != AuditKey::kBytes) {
    const std::string holds = got > AuditKey::kBytes ? "more than 32" : std::to_string(got);
    return KeyError(path, "must hold exactly 32 bytes (it holds " + holds + ")");
  }
  std::array<unsigned char, AuditKey::kBytes> key{};
  std::memcpy(key.data(), buf.data(), key.size());
  sodium_memzero(buf.data(), buf.size());
  return AuditKey(key);
}

Result<AuditKey> CreateAuditKey(const std::string& path) {
  if (sodium_init() < 0) return Error::Failed("", "libsodium could not be initialised");
  // The key is written whole to a temporary file of its own (O_EXCL, mode 0600: never readable by
  // others, not even for an instant), made durable, and then linked to its name, which fails if a
  // file appeared meanwhile (another process's key: that one is read). A process killed at any
  // point leaves either no key file or a whole one, never an empty one that would lock the
  // database out for good.
  std::array<unsigned char, 8> tag{};
  randombytes_buf(tag.data(), tag.size());
  std::string tmp = path + ".tmp-";
  for (unsigned char c : tag) tmp += "0123456789abcdef"[c & 0x0f];
  Fd f{open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
  if (f.fd < 0) return KeyError(path, std::string("cannot be created: ") + std::strerror(errno));
  auto fail = [&](const std::string& what) {
    const std::string why = std::strerror(errno);
    unlink(tmp.c_str());
    return KeyError(path, what + why);
  };
  std::array<unsigned char, AuditKey::kBytes> key{};
  randombytes_buf(key.data(), key.size());
  size_t put = 0;
  while (put < key.size()) {
    const ssize_t n = write(f.fd, key.data() + put, key.size() - put);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot be written: ");
    put += static_cast<size_t>(n);
  }
  if (fsync(f.fd) != 0) return fail("cannot be written: ");
  if (link(tmp.c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) {
      unlink(tmp.c_str());
      return ReadAuditKey(path);
    }
    return fail("cannot be created: ");
  }
  unlink(tmp.c_str());
  // The new name made durable too: the directory's entry.
  const std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
  Fd d{open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) (void)fsync(d.fd);
  return AuditKey(key);
}

AuditPaths ResolveAuditPaths(const AuditFiles& given, const std::string& sqlite_path) {
  AuditPaths out;
  const bool beside = !sqlite_path.empty() && sqlite_path != ":memory:";
  out.key_file = given.key_file;
  if (out.key_file.empty()) out.key_file = Env("LENACARE_AUDIT_KEY_FILE");
  if (out.key_file.empty() && beside) {
    out.key_file = sqlite_path + ".audit-key";
    out.key_is_default = true;
  }
  out.checkpoints = given.checkpoints;
  if (out.checkpoints.empty()) out.checkpoints = Env("LENACARE_AUDIT_CHECKPOINTS");
  if (out.checkpoints.empty() && beside) out.checkpoints = sqlite_path + ".audit-checkpoints";
  return out;
}

Status AppendLine(const std::string& path, const std::string& line) {
  Fd f{open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)};
  if (f.fd < 0) {
    return Error::Failed("--audit-checkpoints",
                         "cannot open the audit checkpoint file '" + path + "': " + std::strerror(errno));
  }
  const std::string text = line + "\n";
  // One write() of a short line to an O_APPEND file: lines of two processes never interleave.
  const ssize_t n = write(f.fd, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size()) || fsync(f.fd) != 0) {
    return Error::Failed("--audit-checkpoints",
                         "cannot write the audit checkpoint file '" + path + "': " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace lenacare::store
