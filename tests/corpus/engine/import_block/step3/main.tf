import {
  to = terraform_data.late
  id = "late-id"
}

resource "terraform_data" "late" {
  input = "only import, no change"
}

import {
  to = terraform_data.imported
  id = "a-different-id"
}

resource "terraform_data" "imported" {
  input = "adopted"
}
