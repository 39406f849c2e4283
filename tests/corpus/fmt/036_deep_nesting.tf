locals {
  deep = {
    l1 = {
      l2 = {
        l3 = {
          l4 = [
            {
              l5 = "deep"
            }
          ]
        }
      }
    }
  }
  brackets_same_line = [[
    1, 2
  ], [
    3, 4
  ]]
  closing_mixed = { a = [
    1,
  ] }
  call_obj = jsonencode({
    a = 1
    b = [
      2,
    ]
  })
}
