(component
    (type 
        (instance 
            (export "w" (type (sub resource)))
        )
    )
    (import "foo:bar/types@0.2.1" (instance (type 0)))
)