(component
  (type (export "bar") (func))
)
