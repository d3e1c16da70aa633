/* One intrusive doubly linked list for every folder (libuv's QUEUE, the
 * Linux kernel's list_head): a struct that is kept in a list embeds a
 * struct sw_list_node, and sw_container_of maps the node back to it. The
 * list is circular around a head node of its own, so that linking and
 * unlinking never test for the ends, and a node knows whether it is in a
 * list. Nothing here allocates; none of it is thread-safe. */
#ifndef SW_LIST_H
#define SW_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "sw_macros.h"

struct sw_list_node {
  struct sw_list_node *prev, *next;
};

/* Makes `n` an empty list head, or a node that is in no list. A head must
 * be initialised before use; a node before sw_list_linked is asked of it
 * (sw_list_remove leaves a node initialised). */
static inline void sw_list_init(struct sw_list_node *n)
{
  n->prev = n->next = n;
}

/* True if the list with head `head` holds no node. */
static inline bool sw_list_empty(const struct sw_list_node *head)
{
  return head->next == head;
}

/* True if the initialised node `n` is in a list. */
static inline bool sw_list_linked(const struct sw_list_node *n)
{
  return n->next != n;
}

/* Links `n` (in no list) between `prev` and `next`, which are neighbours. */
static inline void sw__list_link(struct sw_list_node *prev, struct sw_list_node *n,
                                 struct sw_list_node *next)
{
  n->prev = prev;
  n->next = next;
  prev->next = n;
  next->prev = n;
}

/* Links `n` (in no list) first in the list `head`. */
static inline void sw_list_insert_head(struct sw_list_node *head, struct sw_list_node *n)
{
  sw__list_link(head, n, head->next);
}

/* Links `n` (in no list) last in the list `head`: with sw_list_first, a
 * FIFO queue. */
static inline void sw_list_insert_tail(struct sw_list_node *head, struct sw_list_node *n)
{
  sw__list_link(head->prev, n, head);
}

/* Unlinks `n` from its list and leaves it initialised (in no list);
 * harmless for an initialised node that is in no list. */
static inline void sw_list_remove(struct sw_list_node *n)
{
  n->prev->next = n->next;
  n->next->prev = n->prev;
  sw_list_init(n);
}

/* The first node of the list `head`, or NULL if it is empty. */
static inline struct sw_list_node *sw_list_first(const struct sw_list_node *head)
{
  return sw_list_empty(head) ? NULL : head->next;
}

/* The struct of type `type` whose member `member` is the node `n`. */
#define sw_list_entry(n, type, member) sw_container_of(n, type, member)

/* Walks the list `head` first to last with `node` (a struct sw_list_node
 * pointer); `tmp` (another) holds the next node, so that the body may
 * unlink or free `node`. Only `node` may go: a body that can unlink other
 * nodes must restart, or take nodes off with sw_list_first instead. */
#define SW_LIST_FOREACH_SAFE(node, tmp, head)                                            \
  for ((node) = (head)->next, (tmp) = (node)->next; (node) != (head);                    \
       (node) = (tmp), (tmp) = (node)->next)

/* Walks the list `head` first to last; the body must not unlink `node`. */
#define SW_LIST_FOREACH(node, head)                                                      \
  for ((node) = (head)->next; (node) != (head); (node) = (node)->next)

#endif
