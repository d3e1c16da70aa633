/* common/smtp/rule.h of the broken tree. */
