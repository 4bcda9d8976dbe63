"""The officer guide (docs/huong-dan-can-bo.md): its steps drive the real admin, its screenshots come from them."""
