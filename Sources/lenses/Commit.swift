// The git commit this `lenses` was built from. scripts/install writes the commit here before it
// builds and restores this file afterwards; any other build says it does not know.
let buildCommit: String? = nil
