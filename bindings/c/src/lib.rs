//! C ABI of the loyalty core.
//!
//! Every function returns a [`LoyaltyStatus`] code (0 on success) and never
//! lets a Rust panic unwind into C: a panic becomes
//! `LOYALTY_STATUS_INTERNAL` with its message. After a failed call,
//! [`loyalty_last_error_message`] returns the error's text on the calling
//! thread. Services that prefer one entry point use [`loyalty_call_json`].
//!
//! Pointers passed in must be valid for the lengths given and are only read
//! during the call; out-pointers are written only on success.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use loyalty::survey::{self, NpsCounts, NpsMethod};
use loyalty::{Error, Estimate, Scale};

mod json;

/// Status code of every call.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoyaltyStatus {
    /// Success.
    Ok = 0,
    /// A required pointer was NULL.
    NullPointer = 1,
    /// A Rust panic was caught (a bug in loyalty); see the last error message.
    Internal = 2,
    /// An input was empty.
    Empty = 10,
    /// Two inputs have different lengths.
    LengthMismatch = 11,
    /// A value was NaN or infinite.
    NotFinite = 12,
    /// A value was outside its allowed range (e.g. a score off the scale).
    OutOfRange = 13,
    /// A parameter or option was invalid.
    InvalidParameter = 14,
    /// Rows of the data break a rule of the model.
    InvalidData = 15,
    /// A text value could not be parsed (including malformed JSON requests).
    Parse = 16,
    /// A fit did not converge.
    NotConverged = 17,
    /// A matrix was not positive semidefinite.
    NotPositiveSemidefinite = 18,
    /// The data cannot identify the requested quantity.
    Degenerate = 19,
}

/// NPS interval method.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoyaltyNpsMethod {
    /// Wald interval on the trinomial variance.
    Wald = 0,
    /// Adjusted Wald (pseudo-counts 0.75, 1.5, 0.75; Rocks 2016).
    AdjustedWald = 1,
    /// Tango's score interval.
    Tango = 2,
    /// Dirichlet posterior (uniform prior), Monte Carlo interval.
    Bayes = 3,
    /// Percentile bootstrap.
    Bootstrap = 4,
}

/// An estimate with its interval. `method` is a NUL-terminated name.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct LoyaltyEstimate {
    /// Point estimate.
    pub value: f64,
    /// Standard error.
    pub se: f64,
    /// Lower bound of the interval.
    pub ci_low: f64,
    /// Upper bound of the interval.
    pub ci_high: f64,
    /// Level of the interval.
    pub level: f64,
    /// Number of observations.
    pub n: f64,
    /// Effective sample size.
    pub n_effective: f64,
    /// Method name, NUL-terminated (truncated to 47 bytes).
    pub method: [c_char; 48],
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

fn set_last_error(message: &str) {
    let clean = message.replace('\0', " ");
    LAST_ERROR.with(|e| *e.borrow_mut() = CString::new(clean).unwrap_or_default());
}

pub(crate) fn status_of(err: &Error) -> LoyaltyStatus {
    match err {
        Error::Empty { .. } => LoyaltyStatus::Empty,
        Error::LengthMismatch { .. } => LoyaltyStatus::LengthMismatch,
        Error::NotFinite { .. } => LoyaltyStatus::NotFinite,
        Error::OutOfRange { .. } => LoyaltyStatus::OutOfRange,
        Error::InvalidParameter { .. } => LoyaltyStatus::InvalidParameter,
        Error::InvalidData { .. } => LoyaltyStatus::InvalidData,
        Error::Parse { .. } => LoyaltyStatus::Parse,
        Error::NotConverged { .. } => LoyaltyStatus::NotConverged,
        Error::NotPositiveSemidefinite { .. } => LoyaltyStatus::NotPositiveSemidefinite,
        Error::Degenerate { .. } => LoyaltyStatus::Degenerate,
        _ => LoyaltyStatus::Internal,
    }
}

/// Runs `body`, turning errors and panics into a status code and the
/// thread's last error message.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), (LoyaltyStatus, String)>) -> LoyaltyStatus {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            set_last_error("");
            LoyaltyStatus::Ok
        }
        Ok(Err((status, message))) => {
            set_last_error(&message);
            status
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            set_last_error(&format!("internal error (please report): {message}"));
            LoyaltyStatus::Internal
        }
    }
}

pub(crate) fn core_err(err: Error) -> (LoyaltyStatus, String) {
    (status_of(&err), err.to_string())
}

fn null(name: &str) -> (LoyaltyStatus, String) {
    (
        LoyaltyStatus::NullPointer,
        format!("{name} is NULL; pass a valid pointer"),
    )
}

/// Maps a `LoyaltyNpsMethod` value to a method. The value arrives as a plain
/// integer because a C caller can pass any value, and a Rust enum must not
/// hold an undeclared one.
fn method_of(method: i32, seed: u64) -> Result<NpsMethod, (LoyaltyStatus, String)> {
    const WALD: i32 = LoyaltyNpsMethod::Wald as i32;
    const ADJUSTED: i32 = LoyaltyNpsMethod::AdjustedWald as i32;
    const TANGO: i32 = LoyaltyNpsMethod::Tango as i32;
    const BAYES: i32 = LoyaltyNpsMethod::Bayes as i32;
    const BOOTSTRAP: i32 = LoyaltyNpsMethod::Bootstrap as i32;
    Ok(match method {
        WALD => NpsMethod::Wald,
        ADJUSTED => NpsMethod::AdjustedWald,
        TANGO => NpsMethod::Tango,
        BAYES => NpsMethod::Bayes {
            prior: survey::DirichletPrior::Uniform,
            draws: 100_000,
            seed,
        },
        BOOTSTRAP => NpsMethod::Bootstrap {
            resamples: 2_000,
            seed,
        },
        other => {
            return Err((
                LoyaltyStatus::InvalidParameter,
                format!("invalid method = {other}: use a LoyaltyNpsMethod value 0..=4"),
            ))
        }
    })
}

fn write_estimate(est: &Estimate, out: *mut LoyaltyEstimate) {
    let mut method = [0 as c_char; 48];
    for (slot, byte) in method.iter_mut().zip(est.method.bytes().take(47)) {
        *slot = byte as c_char;
    }
    let value = LoyaltyEstimate {
        value: est.value,
        se: est.se,
        ci_low: est.ci_low,
        ci_high: est.ci_high,
        level: est.level,
        n: est.n,
        n_effective: est.n_effective,
        method,
    };
    // SAFETY: the caller passes a valid, writable LoyaltyEstimate (checked non-NULL).
    unsafe { out.write(value) };
}

/// Computes the NPS in points from category counts.
///
/// `method` is a `LoyaltyNpsMethod` value; `seed` is used by the Bayes and
/// bootstrap methods only.
#[no_mangle]
pub extern "C" fn loyalty_nps_from_counts(
    detractors: u64,
    passives: u64,
    promoters: u64,
    method: i32,
    level: f64,
    seed: u64,
    out: *mut LoyaltyEstimate,
) -> LoyaltyStatus {
    guard(|| {
        if out.is_null() {
            return Err(null("out"));
        }
        let counts = NpsCounts::new(detractors, passives, promoters);
        let est = survey::nps(&counts, method_of(method, seed)?, level).map_err(core_err)?;
        write_estimate(&est, out);
        Ok(())
    })
}

/// Computes the NPS in points from `len` scores on the integral scale
/// `min..=max`, with promoters `>= 9` and detractors `<= 6` (clamped into range).
///
/// # Safety
/// Pointers must be NULL or valid for the lengths given, as the module documentation states.
#[no_mangle]
pub unsafe extern "C" fn loyalty_nps(
    scores: *const f64,
    len: usize,
    min: f64,
    max: f64,
    method: i32,
    level: f64,
    seed: u64,
    out: *mut LoyaltyEstimate,
) -> LoyaltyStatus {
    guard(|| {
        if out.is_null() {
            return Err(null("out"));
        }
        if scores.is_null() && len > 0 {
            return Err(null("scores"));
        }
        let slice: &[f64] = if len == 0 {
            &[]
        } else {
            // SAFETY: the caller guarantees `scores` points to `len` readable doubles.
            unsafe { std::slice::from_raw_parts(scores, len) }
        };
        let scale = Scale::new(min, max, 1.0).map_err(core_err)?;
        let counts = NpsCounts::from_scores(slice, &scale).map_err(core_err)?;
        let est = survey::nps(&counts, method_of(method, seed)?, level).map_err(core_err)?;
        write_estimate(&est, out);
        Ok(())
    })
}

/// Computes the NPS in points from `len` byte scores on `min..=max` (the fast
/// path for large arrays).
///
/// # Safety
/// Pointers must be NULL or valid for the lengths given, as the module documentation states.
#[no_mangle]
pub unsafe extern "C" fn loyalty_nps_u8(
    scores: *const u8,
    len: usize,
    min: u8,
    max: u8,
    method: i32,
    level: f64,
    seed: u64,
    out: *mut LoyaltyEstimate,
) -> LoyaltyStatus {
    guard(|| {
        if out.is_null() {
            return Err(null("out"));
        }
        if scores.is_null() && len > 0 {
            return Err(null("scores"));
        }
        let slice: &[u8] = if len == 0 {
            &[]
        } else {
            // SAFETY: the caller guarantees `scores` points to `len` readable bytes.
            unsafe { std::slice::from_raw_parts(scores, len) }
        };
        let scale = Scale::new(f64::from(min), f64::from(max), 1.0).map_err(core_err)?;
        let counts = NpsCounts::from_u8(slice, &scale).map_err(core_err)?;
        let est = survey::nps(&counts, method_of(method, seed)?, level).map_err(core_err)?;
        write_estimate(&est, out);
        Ok(())
    })
}

/// Returns the message of the last failed call on this thread ("" after a
/// success). The pointer stays valid until the next call on this thread.
#[no_mangle]
pub extern "C" fn loyalty_last_error_message() -> *const c_char {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// Runs a JSON request `{"function": NAME, "args": {...}}` and writes a
/// newly allocated JSON response to `*response` (free it with
/// [`loyalty_string_free`]). On failure `*response` contains
/// `{"error": {"status": N, "message": ...}}` and the status gives the reason.
///
/// Functions: see `docs/c-api.md`.
///
/// # Safety
/// Pointers must be NULL or valid for the lengths given, as the module documentation states.
#[no_mangle]
pub unsafe extern "C" fn loyalty_call_json(
    request: *const c_char,
    response: *mut *mut c_char,
) -> LoyaltyStatus {
    if response.is_null() {
        set_last_error("response is NULL; pass a valid pointer");
        return LoyaltyStatus::NullPointer;
    }
    let mut text = String::new();
    let status = guard(|| {
        if request.is_null() {
            return Err(null("request"));
        }
        // SAFETY: the caller passes a NUL-terminated string.
        let req = unsafe { CStr::from_ptr(request) };
        let req = req
            .to_str()
            .map_err(|e| (LoyaltyStatus::Parse, format!("request is not UTF-8: {e}")))?;
        text = json::call(req)?;
        Ok(())
    });
    if status != LoyaltyStatus::Ok {
        let message = LAST_ERROR.with(|e| e.borrow().to_string_lossy().into_owned());
        text =
            serde_json::json!({"error": {"status": status as i32, "message": message}}).to_string();
    }
    let owned = CString::new(text.replace('\0', " ")).unwrap_or_default();
    // SAFETY: checked non-NULL above; the caller owns the string and frees it.
    unsafe { response.write(owned.into_raw()) };
    status
}

/// Frees a string returned by loyalty (NULL is ignored).
///
/// # Safety
/// Pointers must be NULL or valid for the lengths given, as the module documentation states.
#[no_mangle]
pub unsafe extern "C" fn loyalty_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: `s` came from CString::into_raw in this library.
        drop(unsafe { CString::from_raw(s) });
    }
}
