//! What runs the work: thread pools and the flags that stop it.
//!
//! Uses only [`crate::error`]; the jobs above call it, and the kernels read
//! [`stop::Stop`] between runs of work.
//!
//! - `pool`: rayon pools, the thread-count policy, the thread budget of cached
//!   pools, CPU placement, fork safety, and running work while the caller polls.
//! - `pooled`: owned slices whose freed storage goes back to a per-thread
//!   pool (the binding's `Editops` and `Opcodes` items).
//! - `stop`: how a long computation learns to give up (a flag or a rate-limited
//!   callback).

pub(crate) mod pool;
#[cfg_attr(not(feature = "python"), allow(dead_code))]
pub(crate) mod pooled;
pub(crate) mod stop;
