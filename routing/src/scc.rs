//! Strongly connected components (Tarjan's algorithm, iterative: road graphs are deep).

/// The nodes of the largest strongly connected component of the directed graph with `n` nodes
/// whose out-neighbours `succ(u)` gives, as a membership mask.
pub fn largest(n: usize, succ: impl Fn(usize) -> Vec<usize>) -> Vec<bool> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut comp = vec![UNSEEN; n];
    let mut sizes: Vec<usize> = Vec::new();
    let mut next = 0usize;
    // Call frames: (node, its successors, position in them).
    let mut frames: Vec<(usize, Vec<usize>, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        frames.push((root, succ(root), 0));
        while let Some((u, nbrs, pos)) = frames.last_mut() {
            let u = *u;
            if let Some(&v) = nbrs.get(*pos) {
                *pos += 1;
                if index[v] == UNSEEN {
                    index[v] = next;
                    low[v] = next;
                    next += 1;
                    stack.push(v);
                    on_stack[v] = true;
                    frames.push((v, succ(v), 0));
                } else if on_stack[v] {
                    low[u] = low[u].min(index[v]);
                }
                continue;
            }
            frames.pop();
            if let Some((parent, _, _)) = frames.last() {
                low[*parent] = low[*parent].min(low[u]);
            }
            if low[u] == index[u] {
                let id = sizes.len();
                let mut size = 0;
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = id;
                    size += 1;
                    if w == u {
                        break;
                    }
                }
                sizes.push(size);
            }
        }
    }
    let best = (0..sizes.len()).max_by_key(|&c| sizes[c]);
    comp.iter().map(|&c| Some(c) == best).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_largest_cycle() {
        // 0→1→2→0 (size 3), 2→3→4→3 (size 2), 5 alone.
        let adj: Vec<Vec<usize>> = vec![vec![1], vec![2], vec![0, 3], vec![4], vec![3], vec![]];
        assert_eq!(largest(6, |u| adj[u].clone()), [true, true, true, false, false, false]);
    }

    #[test]
    fn deep_chains_do_not_overflow() {
        let n = 200_000;
        let m = largest(n, |u| vec![(u + 1) % n]);
        assert!(m.iter().all(|&b| b));
    }
}
