//! Collecting many hosts with bounded parallelism.
//!
//! Up to `jobs` worker threads take the next host from the list, connect
//! (one multiplexed ssh connection per host: [`crate::exec::ssh`]), collect
//! it with [`crate::collect::collect`] and hand the capture to the caller's
//! `each` (which writes it, in the worker, so writing overlaps with the
//! other hosts' collection). A host that cannot be reached is a capture
//! with nothing collected and the connection error as its
//! [`Capture::lost`]; it never stops the others. The results come back in
//! the order the hosts were given, and `in_order` sees each one as soon as
//! it and every host before it are done, so what is printed about a fleet
//! reads the same whatever the timing.
//!
//! Threads, not async: each host's collection is a sequence of blocking
//! `ssh` child processes, so a thread per running host is what the work
//! is, and `jobs` bounds both threads and concurrent connections.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;

use super::FleetHost;
use crate::collect::{self, Capture, Observer, Planned};
use crate::exec::{ExecError, Executor};

/// Told about a fleet's progress, from the worker threads.
pub trait FleetObserver: Sync {
    /// Host `index` is being connected to.
    fn started(&self, index: usize);
    /// `n` more commands are planned for host `index`.
    fn planned(&self, index: usize, n: usize);
    /// A command of host `index` starts.
    fn running(&self, index: usize, p: &Planned);
    /// A command of host `index` ended; `ok` unless it failed.
    fn command_done(&self, index: usize, ok: bool);
    /// Host `index` is done (collected, partly collected, or unreachable).
    fn finished(&self, index: usize, cap: &Capture);
    /// Runs `f` (which prints) without a progress display in the way.
    fn suspend(&self, f: &mut dyn FnMut()) {
        f();
    }
}

/// An observer that ignores everything.
#[derive(Debug, Default)]
pub struct QuietFleet;

impl FleetObserver for QuietFleet {
    fn started(&self, _: usize) {}
    fn planned(&self, _: usize, _: usize) {}
    fn running(&self, _: usize, _: &Planned) {}
    fn command_done(&self, _: usize, _: bool) {}
    fn finished(&self, _: usize, _: &Capture) {}
}

/// One host's collection, told to the fleet's observer.
struct HostObserver<'a> {
    index: usize,
    fleet: &'a dyn FleetObserver,
}

impl Observer for HostObserver<'_> {
    fn planned(&mut self, n: usize) {
        self.fleet.planned(self.index, n);
    }
    fn running(&mut self, p: &Planned) {
        self.fleet.running(self.index, p);
    }
    fn done(&mut self, _: &Planned, ok: bool) {
        self.fleet.command_done(self.index, ok);
    }
}

/// Opens the connection to a host.
pub type Connect<'a> = dyn Fn(&FleetHost) -> Result<Box<dyn Executor>, ExecError> + Sync + 'a;

/// Connects to and collects one host; a connection that cannot be opened
/// is a capture with nothing in it, lost.
pub fn collect_host(
    host: &FleetHost,
    index: usize,
    connect: &Connect<'_>,
    observer: &dyn FleetObserver,
) -> Capture {
    match connect(host) {
        Ok(exec) => collect::collect(
            exec.as_ref(),
            &mut HostObserver {
                index,
                fleet: observer,
            },
        ),
        Err(e) => {
            let mut cap = Capture::new(&host.name);
            cap.lost = Some(e);
            cap
        }
    }
}

/// The results of the hosts done so far, and how many were handed to
/// `in_order`.
struct Ordered<T> {
    results: Vec<Option<T>>,
    told: usize,
}

/// Collects `hosts`, at most `jobs` at a time, and returns what `each`
/// made of every capture, in the hosts' order.
///
/// `each(index, capture)` runs in the worker as soon as the host is done;
/// `in_order(index, result)` is called once per host, in the hosts' order,
/// as soon as that host and all the ones before it are done.
pub fn collect_all<T: Send>(
    hosts: &[FleetHost],
    jobs: usize,
    connect: &Connect<'_>,
    observer: &dyn FleetObserver,
    each: &(dyn Fn(usize, Capture) -> T + Sync),
    in_order: &(dyn Fn(usize, &T) + Sync),
) -> Vec<T> {
    let workers = jobs.clamp(1, hosts.len().max(1));
    let next = AtomicUsize::new(0);
    let ordered = Mutex::new(Ordered {
        results: hosts.iter().map(|_| None).collect(),
        told: 0,
    });
    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(host) = hosts.get(i) else { break };
                    observer.started(i);
                    let cap = collect_host(host, i, connect, observer);
                    observer.finished(i, &cap);
                    let result = each(i, cap);
                    let mut o = ordered.lock().unwrap_or_else(PoisonError::into_inner);
                    o.results[i] = Some(result);
                    while let Some(Some(r)) = o.results.get(o.told) {
                        in_order(o.told, r);
                        o.told += 1;
                    }
                }
            });
        }
    });
    ordered
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .results
        .into_iter()
        .map(|r| r.expect("every host was collected: the workers run until the list is empty"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::testing::{ZONES, host};
    use crate::exec::fake::FakeExecutor;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    fn hosts(n: usize) -> Vec<FleetHost> {
        (0..n).map(|i| FleetHost::named(format!("gz{i}"))).collect()
    }

    /// A fake GZ named after the host; `gz2` cannot be reached, and `gz3`
    /// answers slowly so later hosts finish first.
    fn connect(h: &FleetHost) -> Result<Box<dyn Executor>, ExecError> {
        if h.name == "gz2" {
            return Err(ExecError::Connection {
                host: h.name.clone(),
                message: "Connection refused".into(),
            });
        }
        if h.name == "gz3" {
            thread::sleep(Duration::from_millis(50));
        }
        Ok(Box::new(Named(h.name.clone(), host(ZONES))))
    }

    /// The test GZ under another name.
    struct Named(String, FakeExecutor);

    impl Executor for Named {
        fn host(&self) -> &str {
            &self.0
        }
        fn run_with(
            &self,
            cmd: &zrules::shell::Command,
            input: Option<&[u8]>,
            limit: crate::exec::Limit,
        ) -> Result<crate::exec::Output, ExecError> {
            self.1.run_with(cmd, input, limit)
        }
        fn spawn(&self, cmd: &zrules::shell::Command) -> Result<std::process::Child, ExecError> {
            self.1.spawn(cmd)
        }
    }

    fn fingerprint(c: &Capture) -> String {
        format!(
            "{} {} {:?} {:?} {}",
            c.host,
            c.commands,
            c.files,
            c.errors_text(),
            c.summary()
        )
    }

    #[test]
    fn results_come_in_the_hosts_order_and_equal_sequential_ones() {
        let list = hosts(7);
        let told = Mutex::new(Vec::new());
        let seq = collect_all(
            &list,
            1,
            &connect,
            &QuietFleet,
            &|_, c| fingerprint(&c),
            &|i, _| told.lock().expect("lock").push(i),
        );
        assert_eq!(*told.lock().expect("lock"), (0..7).collect::<Vec<_>>());
        told.lock().expect("lock").clear();
        let par = collect_all(
            &list,
            4,
            &connect,
            &QuietFleet,
            &|_, c| fingerprint(&c),
            &|i, _| told.lock().expect("lock").push(i),
        );
        assert_eq!(*told.lock().expect("lock"), (0..7).collect::<Vec<_>>());
        assert_eq!(seq, par);
        assert!(par[1].starts_with("gz1 23 "));
        assert!(par[2].contains("stopped early: cannot reach gz2: Connection refused"));
    }

    #[test]
    fn at_most_jobs_hosts_run_at_once_and_an_empty_fleet_is_nothing() {
        struct Count {
            now: AtomicUsize,
            most: AtomicUsize,
        }
        impl FleetObserver for Count {
            fn started(&self, _: usize) {
                let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
                self.most.fetch_max(n, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(5));
            }
            fn planned(&self, _: usize, _: usize) {}
            fn running(&self, _: usize, _: &Planned) {}
            fn command_done(&self, _: usize, _: bool) {}
            fn finished(&self, _: usize, _: &Capture) {
                self.now.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let count = Count {
            now: AtomicUsize::new(0),
            most: AtomicUsize::new(0),
        };
        let caps = collect_all(&hosts(9), 3, &connect, &count, &|_, c| c, &|_, _| {});
        assert_eq!(caps.len(), 9);
        assert!(count.most.load(Ordering::SeqCst) <= 3);
        let none: Vec<Capture> = collect_all(&[], 4, &connect, &QuietFleet, &|_, c| c, &|_, _| {});
        assert!(none.is_empty());
    }
}
