/* Windows' ACE inheritance rules (see acl_inherit.h), for allow, deny and
 * audit ACEs alike: only the flags and, for CREATOR OWNER, the SID change. */
#include "acl_inherit.h"

#include <string.h>

#include "sw_macros.h"

#define INHERIT_FLAGS                                                                    \
  (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE | NO_PROPAGATE_INHERIT_ACE |               \
   INHERIT_ONLY_ACE)

/* A non-object ACE: header, mask, then the SID (ACCESS_ALLOWED_ACE's
 * layout, shared by denied and audit ACEs). */
static PSID ace_sid(ACE_HEADER *h)
{
  return (PSID) & ((ACCESS_ALLOWED_ACE *)h)->SidStart;
}

static bool simple_ace(const ACE_HEADER *h)
{
  return h->AceType == ACCESS_ALLOWED_ACE_TYPE || h->AceType == ACCESS_DENIED_ACE_TYPE ||
         h->AceType == SYSTEM_AUDIT_ACE_TYPE;
}

/* Appends a copy of `h` with `flags`, and `sid` instead of its SID if not
 * NULL (simple ACEs only), to `acl`, which has room (sized by the caller). */
static bool append(PACL acl, ACE_HEADER *h, BYTE flags, PSID sid)
{
  BYTE buf[sizeof(ACCESS_ALLOWED_ACE) + SECURITY_MAX_SID_SIZE];
  if (!sid) {
    /* Copied as it is, with the new flags (object ACEs too). */
    BYTE *copy = LocalAlloc(LMEM_FIXED, h->AceSize);
    if (!copy)
      return false;
    memcpy(copy, h, h->AceSize);
    ((ACE_HEADER *)copy)->AceFlags = flags;
    bool ok = AddAce(acl, acl->AclRevision, MAXDWORD, copy, h->AceSize);
    LocalFree(copy);
    return ok;
  }
  DWORD sid_len = GetLengthSid(sid);
  WORD size = (WORD)(offsetof(ACCESS_ALLOWED_ACE, SidStart) + sid_len);
  ACCESS_ALLOWED_ACE *ace = (ACCESS_ALLOWED_ACE *)buf;
  ace->Header = (ACE_HEADER){h->AceType, flags, size};
  ace->Mask = ((ACCESS_ALLOWED_ACE *)h)->Mask;
  CopySid(sid_len, &ace->SidStart, sid);
  return AddAce(acl, acl->AclRevision, MAXDWORD, ace, size);
}

/* What a child gets of a parent's ACE. */
struct inheritance {
  bool effective; /* it applies to the child itself */
  bool passes_on; /* the child passes it on to its own children */
  BYTE child;     /* the flags of the child's copy */
};

/* How an ACE with the flags `f` is inherited by a child object (a file) or
 * container (a folder); false if it is not inherited at all. */
static bool inherit(BYTE f, bool is_container, struct inheritance *out)
{
  BYTE keep = f & ~INHERIT_FLAGS & ~INHERITED_ACE;
  bool oi = f & OBJECT_INHERIT_ACE, ci = f & CONTAINER_INHERIT_ACE,
       np = f & NO_PROPAGATE_INHERIT_ACE;
  if (!is_container) {
    if (!oi)
      return false;
    *out = (struct inheritance){true, false, keep | INHERITED_ACE};
  } else if (ci) {
    *out = (struct inheritance){
        true, !np,
        keep | INHERITED_ACE |
            (np ? 0 : (f & (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE)))};
  } else if (oi && !np) {
    *out = (struct inheritance){
        false, true, keep | INHERITED_ACE | OBJECT_INHERIT_ACE | INHERIT_ONLY_ACE};
  } else {
    return false;
  }
  return true;
}

enum sw_error sw_acl_inherited(const ACL *parent, bool is_container, PSID owner,
                               PACL *out)
{
  *out = NULL;
  BYTE creator_buf[SECURITY_MAX_SID_SIZE];
  DWORD len = sizeof creator_buf;
  PSID creator_owner = creator_buf;
  if (NEVER(!CreateWellKnownSid(WinCreatorOwnerSid, NULL, creator_owner, &len)))
    return SW_E_NOMEM; /* a well-known SID, in a buffer of the largest size */

  /* Room for every ACE twice (a CREATOR OWNER ACE may become two), each
   * with the longest SID. */
  WORD count = parent ? parent->AceCount : 0;
  DWORD size =
      sizeof(ACL) + 2u * count * (sizeof(ACCESS_ALLOWED_ACE) + SECURITY_MAX_SID_SIZE);
  if (parent)
    size += 2u * parent->AclSize; /* object ACEs are longer */
  size = (size + 3) & ~3u;
  if (size > 0xFFFC)
    size = 0xFFFC; /* the ACL size limit: a parent's ACEs fit in it twice over */
  PACL acl = LocalAlloc(LMEM_FIXED | LMEM_ZEROINIT, size);
  if (!acl)
    return SW_E_NOMEM;
  BYTE revision =
      parent && parent->AclRevision == ACL_REVISION_DS ? ACL_REVISION_DS : ACL_REVISION;
  if (NEVER(!InitializeAcl(acl, size, revision))) { /* the size is valid */
    LocalFree(acl);
    return SW_E_NOMEM;
  }

  enum sw_error err = SW_E_OK;
  for (WORD i = 0; err == SW_E_OK && i < count; i++) {
    ACE_HEADER *h;
    if (NEVER(!GetAce((PACL)parent, i, (LPVOID *)&h)))
      continue; /* i < AceCount */
    BYTE keep = h->AceFlags & ~INHERIT_FLAGS & ~INHERITED_ACE;
    struct inheritance in;
    if (!inherit(h->AceFlags, is_container, &in))
      continue;
    bool creator = simple_ace(h) && EqualSid(ace_sid(h), creator_owner);
    bool ok;
    if (creator && in.effective) {
      if (!owner || !IsValidSid(owner)) {
        err = SW_E_INVALID_ARGUMENT;
        break;
      }
      /* The owner gets the effective copy; CREATOR OWNER stays, inherit-
       * only, for what is created below. */
      ok = append(acl, h, keep | INHERITED_ACE, owner);
      if (ok && in.passes_on)
        ok = append(acl, h, in.child | INHERIT_ONLY_ACE, NULL);
    } else {
      ok = append(acl, h, in.child, NULL);
    }
    if (!ok)
      err = SW_E_NOMEM;
  }
  if (err) {
    LocalFree(acl);
    return err;
  }
  *out = acl;
  return SW_E_OK;
}
