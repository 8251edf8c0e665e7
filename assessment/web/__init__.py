"""What every request goes through.

Sign-in and sessions, access rules, forms, security headers, routing, logging and mail.
"""
