//! What runs the work: thread pools and the flags that stop it.
//!
//! Uses only [`crate::error`]; the jobs above call it, and the kernels read
//! [`stop::Stop`] between runs of work.
//!
//! - `pool`: rayon pools, the thread-count policy, the thread budget of cached
//!   pools, CPU placement, fork safety, and running work while the caller polls.
//! - `stop`: how a long computation learns to give up (a flag or a rate-limited
//!   callback).

pub(crate) mod pool;
pub(crate) mod stop;
